import {
  type ContactReply,
  ContactRequest,
  type IdentifyReply,
  IdentifyRequest,
} from '@parley/shared';
import { type Response, Router } from 'express';
import type { Clock } from '../clock.js';
import { type TurnLocks, whileLocked } from '../coordination/turn-locks.js';
import type { ConversationEvents } from '../events/conversation-events.js';
import { HttpError } from '../http/errors.js';
import type { RateLimits } from '../http/rate-limits.js';
import { type SessionIdentity, sessionOf } from '../http/session-identity.js';
import { parseInput } from '../http/validate.js';
import type { Mailer } from '../mail/mailer.js';
import type { Store } from '../store/store.js';
import type { Handoffs } from './handoffs.js';
import { verifyIdentityToken } from './identity.js';

export interface VisitorHandoffRoutesDeps {
  store: Store;
  identity: SessionIdentity;
  handoffs: Pick<Handoffs, 'stateOf'>;
  events: ConversationEvents;
  clock: Clock;
  limits: Pick<RateLimits, 'ipFeedback' | 'ipSessions'>;
  /** `PARLEY_IDENTITY_SECRET`; without it `/identify` does not exist. */
  identitySecret: string | undefined;
  /** Serialise identifies of one person across instances. */
  locks: TurnLocks;
  mailer?: Pick<Mailer, 'contactAdded'>;
}

/** What the model learns when a visitor leaves their details: that they did, never what. */
export const CONTACT_RECEIVED_NOTE =
  'The visitor left contact details for the support team in a form (not shown to you). Do not ask for them again.';

/**
 * The visitor's side of the human loop: leaving contact details (`POST /api/chat/contact`), which
 * go to the conversation and its tickets and never to the model, and proving who they are with
 * an identity token from the site (`POST /api/chat/identify`).
 */
export function visitorHandoffRoutes(deps: VisitorHandoffRoutesDeps): Router {
  const router = Router();
  const { store, identity } = deps;
  const secret = deps.identitySecret ? new TextEncoder().encode(deps.identitySecret) : undefined;

  router.post('/api/chat/contact', deps.limits.ipFeedback, identity.resolve, async (req, res) => {
    const contact = parseInput(ContactRequest, req.body);
    const session = sessionOf(res);
    if (!session) throw new HttpError('session_invalid', 'Start a conversation first');
    const { conversation } = session;
    await store.conversations.setContact(conversation.id, {
      email: contact.email,
      ...(contact.name ? { name: contact.name } : {}),
    });
    // The model hears it once: a visitor correcting their address (or a script repeating the
    // form) must not fill the history window with notes.
    if (!conversation.contact) {
      await store.items.add(conversation.id, [{ role: 'system', content: CONTACT_RECEIVED_NOTE }]);
    }
    const updated = (await store.conversations.get(conversation.id)) ?? conversation;
    await deps.mailer?.contactAdded(updated);
    deps.events.stateChanged(conversation.publicId);
    const body: ContactReply = { conversation: await deps.handoffs.stateOf(updated) };
    res.json(body);
  });

  if (secret) {
    router.post(
      '/api/chat/identify',
      deps.limits.ipFeedback,
      identity.resolve,
      async (req, res) => {
        const { token } = parseInput(IdentifyRequest, req.body);
        const verified = await verifyIdentityToken(token, secret, deps.clock.now());
        // One identify per person at a time, on every instance: two browsers of one person
        // signing in at the same moment would otherwise both find no conversation of theirs
        // and bind one each, and the conversation would no longer follow them.
        const done = await whileLocked(deps.locks, `identity:${verified.sub}`, () =>
          bind(verified, res),
        );
        if (!done)
          throw new HttpError('conflict', 'Another sign-in of yours is in progress; try again');
        res.json(done.result);
      },
    );
  }

  async function bind(
    verified: Awaited<ReturnType<typeof verifyIdentityToken>>,
    res: Response,
  ): Promise<IdentifyReply> {
    const current = sessionOf(res);
    const known = await store.conversations.byIdentity(verified.sub);
    if (known && known.id !== current?.id) {
      // The same person on another browser or device: continue their conversation.
      const session = identity.adopt(res, known.id);
      await store.conversations.setIdentity(known.id, verified);
      return {
        sessionToken: session.token,
        switched: true,
        conversation: await deps.handoffs.stateOf(known),
      };
    }
    // A conversation bound to another person stays theirs: a second user signing in on the
    // same browser starts a new conversation instead of taking over (and re-addressing) it.
    const boundElsewhere =
      current?.conversation.identity !== undefined &&
      current.conversation.identity.sub !== verified.sub;
    const session = current && !boundElsewhere ? current : await identity.create(res);
    await store.conversations.setIdentity(session.id, verified);
    const updated = (await store.conversations.get(session.id)) ?? session.conversation;
    return {
      sessionToken: session.token,
      switched: session !== current,
      conversation: await deps.handoffs.stateOf(updated),
    };
  }

  return router;
}
