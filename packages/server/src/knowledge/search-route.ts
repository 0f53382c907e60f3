import type { KnowledgeSearchResult } from '@parley/shared';
import { Router } from 'express';
import * as z from 'zod';
import { parseInput } from '../http/validate.js';
import type { KnowledgeBase } from './types.js';

const Query = z.object({
  q: z.string().trim().min(1, 'type a question').max(500),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});

/**
 * The knowledge-base tester (`/api/operator/knowledge/search`, behind `requireOperator`): the
 * ranked articles, snippets and scores the agent's search tool would get for a question.
 */
export function knowledgeSearchRoute(knowledgeBase: KnowledgeBase): Router {
  const router = Router();
  router.get('/api/operator/knowledge/search', (req, res) => {
    const { q, limit } = parseInput(Query, req.query);
    const body: KnowledgeSearchResult = {
      query: q,
      results: knowledgeBase.search(q, limit).map((hit) => ({
        title: hit.title,
        url: hit.url,
        score: Math.round(hit.score * 1000) / 1000,
        snippet: hit.snippet,
      })),
    };
    res.json(body);
  });
  return router;
}
