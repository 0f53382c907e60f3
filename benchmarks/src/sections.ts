import { historyGrowth } from './history-growth.js';
import { hostPage } from './host-page.js';
import type { Section, SectionName } from './lib/section.js';
import { profile } from './profile.js';
import { scale } from './scale.js';
import { storeOps } from './store-ops.js';
import { turnCost } from './turn-cost.js';
import { widgetSize } from './widget-size.js';

/** Every section by name, in the order `npm run bench` runs them. */
export const SECTIONS: Record<SectionName, Section> = {
  'widget-size': widgetSize,
  'host-page': hostPage,
  'turn-cost': turnCost,
  'history-growth': historyGrowth,
  'store-ops': storeOps,
  scale,
  profile,
};
