/**
 * What the guard answers: each rule's status and the plan's verdict. Zod enums, so the types, the
 * HTTP response schemas and the OpenAPI document share one definition.
 */
import { z } from 'zod';

export const ruleStatusSchema = z.enum(['pass', 'warn', 'fail']).meta({ id: 'RuleStatus' });
export type RuleStatus = z.infer<typeof ruleStatusSchema>;

export const verdictSchema = z.enum(['accept', 'warn', 'reject']).meta({ id: 'Verdict' });
export type Verdict = z.infer<typeof verdictSchema>;
