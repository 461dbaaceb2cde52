import { registerSegmentField } from '../segment/query/registry.js';
import { ChurnBand } from './churn.enums.js';

// The segment language reads churn scores from member_churn; members without orders have none (missing).
registerSegmentField({
  name: 'churn_risk',
  type: 'NUMBER',
  description: 'Churn risk score from 0 to 1 (see Member.churnRisk); missing for members without orders.',
  examples: ['churn_risk >= 0.7', 'churn_risk BETWEEN 0.5 AND 0.9 AND net_spent >= 500'],
  decimalRange: { min: 0, max: 1 },
  expr: (q) => (q.join('churn'), 'ch.score'),
});

registerSegmentField({
  name: 'churn_band',
  type: 'ENUM',
  description: 'Churn risk band: LOW (< 0.5), MEDIUM (< 0.7) or HIGH; missing for members without orders.',
  examples: ['churn_band = HIGH', 'churn_band IN (MEDIUM, HIGH)'],
  enumValues: Object.values(ChurnBand),
  expr: (q) => (q.join('churn'), 'ch.band'),
});
