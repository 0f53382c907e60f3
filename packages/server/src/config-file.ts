import * as z from 'zod';
import { BusinessHoursConfig, DEFAULT_BUSINESS_HOURS } from './hours/schedule.js';

/** A specialist agent the support agent can hand a conversation to. */
export const SpecialistConfig = z.object({
  /** Identifier used in the handoff tool name (`transfer_to_<name>`); lowercase words. */
  name: z.string().regex(/^[a-z][a-z0-9_]{1,30}$/, 'must be lowercase letters, digits or _'),
  /** What visitors see in "Transferred to …". */
  displayName: z.string().min(1).max(40),
  /** Tells the support agent when to hand off. */
  handoffDescription: z.string().min(1).max(500),
  instructions: z.string().min(1).max(4000),
  /** Words that send a conversation to this specialist when the offline model is in use. */
  keywords: z.array(z.string().min(2)).default([]),
});
export type SpecialistConfig = z.infer<typeof SpecialistConfig>;

const DEFAULT_SPECIALISTS: SpecialistConfig[] = [
  {
    name: 'billing',
    displayName: 'Billing',
    handoffDescription:
      'Billing specialist: charges, refunds, invoices, payment methods, failed payments, plan changes.',
    instructions:
      'You handle billing questions: charges, refunds, invoices, VAT, payment methods and plan ' +
      'changes. Search the knowledge base for the policy before answering and cite what you used. ' +
      'You cannot see or change payment data; when the visitor needs an account-specific change, ' +
      'open a support ticket with priority "high" for disputed charges.',
    keywords: [
      'bill',
      'billing',
      'charge',
      'charged',
      'refund',
      'invoice',
      'payment',
      'vat',
      'receipt',
    ],
  },
];

/** Settings that live in the JSON file named by `PARLEY_CONFIG` (see parley.config.example.json). */
export const ConfigFile = z.object({
  companyName: z.string().min(1).max(80).default('Acme'),
  /** Appended to the built-in instructions: tone, product names, policies. No secrets here. */
  instructions: z.string().max(8000).default(''),
  hours: BusinessHoursConfig.default(DEFAULT_BUSINESS_HOURS),
  specialists: z.array(SpecialistConfig).max(10).default(DEFAULT_SPECIALISTS),
  maxTicketsPerSession: z.number().int().min(0).max(100).default(3),
  /** `data-*` attributes for the demo page's script tag, e.g. `{ "title": "Acme help" }`. */
  widget: z.record(z.string().regex(/^[a-z][a-z-]*$/), z.string()).default({}),
});
export type ConfigFile = z.infer<typeof ConfigFile>;
