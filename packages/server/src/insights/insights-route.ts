import type { Insights } from '@parley/shared';
import { Router } from 'express';
import * as z from 'zod';
import type { Clock } from '../clock.js';
import { parseInput } from '../http/validate.js';
import type { Store } from '../store/store.js';
import { computeInsights, insightsWindow } from './insights.js';

const Query = z.object({ days: z.coerce.number().int().min(1).max(90).default(28) });

/** `GET /api/operator/insights?days=28` (behind `requireOperator`). */
export function insightsRoute(deps: { store: Store; clock: Clock }): Router {
  const router = Router();
  router.get('/api/operator/insights', async (req, res) => {
    const { days } = parseInput(Query, req.query);
    const now = deps.clock.now();
    const { start, end } = insightsWindow(now, days);
    const facts = await deps.store.insights.between(start, end);
    const body: Insights = computeInsights(facts, now, days);
    res.json(body);
  });
  return router;
}
