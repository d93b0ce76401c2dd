import { describe, expect, it } from 'vitest';
import { parsePlan } from './plan.js';
import { binLabels, niceTicks, renderReport } from './report.js';
import { simulate } from './simulate.js';

describe('renderReport', () => {
  const plans = [
    parsePlan({ name: 'A <script>', simulation: { population: 5_000 } }),
    parsePlan({ name: 'B', incentives: { entry_fee: 100 }, simulation: { population: 5_000 } }),
  ];
  const html = renderReport(simulate(plans, { days: 90, seed: 1 }));

  it('is self-contained: no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });

  it('draws the four charts and a summary column per scheme', () => {
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html.match(/<polyline /g)).toHaveLength(3 * plans.length);
    expect(html).toContain('A &#60;script&#62;');
    expect(html).toContain('Share losing money');
    expect(html).toContain('Participant net income');
  });
});

describe('chart helpers', () => {
  it('picks round tick steps', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-50, 120, 4)).toEqual([-50, 0, 50, 100]);
  });

  it('labels income bins in CNY', () => {
    expect(binLabels([-1_000, 0, 1, 1_000])).toEqual(['< -10', '-10…0', '0', '0…10', '≥ 10']);
  });
});
