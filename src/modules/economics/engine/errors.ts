/**
 * The economics module's errors: one closed set of codes, each mapped once to an HTTP status and
 * zh-CN/en messages. The engine, the services, the routes and the CLI all raise these; the HTTP
 * layer renders them as problem+json and the CLI prints `describe()` with exit code 1.
 */
import { AppError, defineErrors } from '../../../platform/errors.js';

export const economicsError = defineErrors({
  invalid_plan: { status: 400, en: 'The incentive plan is invalid', zh: '激励方案无效' },
  invalid_json: { status: 400, en: 'The file is not valid JSON', zh: '文件不是有效的 JSON' },
  file_unreadable: { status: 400, en: 'The file cannot be read', zh: '无法读取文件' },
  // Stored order figures that do not add up are our fault, not the client's.
  invalid_order_figures: { status: 500, en: 'The order figures do not add up', zh: '订单金额数据不一致' },
  unsafe_amount: { status: 400, en: 'An amount is outside the safe integer range (fen)', zh: '金额超出安全整数范围（分）' },
  invalid_option: { status: 400, en: 'A command option is invalid', zh: '命令参数无效' },
  simulation_too_large: { status: 422, en: 'The simulation is too large for the server: schemes × (participants + days) × days is above its bound (see `bound`); simulate fewer schemes, participants or days, or run `siyu economics simulate`', zh: '模拟规模超出服务器上限：方案数 ×（参与人数 + 天数）× 天数 超过 `bound`；请减少方案、参与人数或天数，或使用 `siyu economics simulate`' },
  economics_rejected: { status: 422, en: 'The economics guard rejected this change: the money calculation does not settle.', zh: '经济模型校验未通过：这笔账算不过来，变更被拒绝。' },
  override_not_allowed: { status: 403, en: 'Only a tenant admin may override the economics guard, with a written reason.', zh: '只有租户管理员可以填写理由后越过经济校验。' },
  policy_not_found: { status: 404, en: 'No such commission policy.', zh: '佣金方案不存在。' },
});

export type EconomicsErrorCode = keyof typeof economicsError.specs;

/** The codes by name, for callers that switch on them. */
export const EconomicsError = {
  InvalidPlan: 'invalid_plan',
  InvalidJson: 'invalid_json',
  FileUnreadable: 'file_unreadable',
  InvalidOrderFigures: 'invalid_order_figures',
  UnsafeAmount: 'unsafe_amount',
  InvalidOption: 'invalid_option',
  SimulationTooLarge: 'simulation_too_large',
  EconomicsRejected: 'economics_rejected',
  OverrideNotAllowed: 'override_not_allowed',
  PolicyNotFound: 'policy_not_found',
} as const satisfies Record<string, EconomicsErrorCode>;

/** One problem with the input: `path` is the dotted field path ('' for the whole input). */
export interface EconomicsIssue {
  path: string;
  message: string;
}

/**
 * Bad input to the engine (a plan, a file, an option): the code's AppError with every problem
 * listed, so HTTP answers them as `errors` and the CLI prints one line each.
 */
export class EconomicsFailure extends AppError {
  declare readonly code: EconomicsErrorCode;
  readonly issues: EconomicsIssue[];

  constructor(code: EconomicsErrorCode, issues: EconomicsIssue[] = []) {
    const spec = economicsError.specs[code];
    super(code, spec.status, spec.en, spec.zh, { errors: issues });
    this.name = 'EconomicsFailure';
    this.issues = issues;
  }

  /** The message in the reader's language, with one line per issue. */
  describe(lang: 'zh' | 'en' = 'en'): string {
    const head = lang === 'zh' ? this.messageZh : this.message;
    if (this.issues.length === 0) return head;
    const lines = this.issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`);
    return [`${head}:`, ...lines].join('\n');
  }
}
