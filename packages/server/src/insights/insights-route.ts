import type { Insights } from '@parley/shared';
import { Router } from 'express';
import * as z from 'zod';
import type { Clock } from '../clock.js';
import { parseInput } from '../http/validate.js';
import type { Store } from '../store/store.js';
import { computeInsights } from './insights.js';

const DAY_MS = 86_400_000;
const Query = z.object({ days: z.coerce.number().int().min(1).max(90).default(28) });

/** `GET /api/operator/insights?days=28` (behind `requireOperator`). */
export function insightsRoute(deps: { store: Store; clock: Clock }): Router {
  const router = Router();
  router.get('/api/operator/insights', async (req, res) => {
    const { days } = parseInput(Query, req.query);
    const now = deps.clock.now();
    const end = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    // A week's figures may start before the first day shown: read from that Monday on.
    const facts = await deps.store.insights.between(end - (days + 7) * DAY_MS, end);
    const body: Insights = computeInsights(facts, now, days);
    res.json(body);
  });
  return router;
}
