/**
 * The economics module's error codes, one closed set, each with a zh-CN and an en message.
 * Callers map the code once (CLI exit code, HTTP problem type); the issues say what was wrong.
 */
export const EconomicsError = {
  InvalidPlan: 'invalid_plan',
  InvalidJson: 'invalid_json',
  FileUnreadable: 'file_unreadable',
  InvalidOrderFigures: 'invalid_order_figures',
  UnsafeAmount: 'unsafe_amount',
  InvalidOption: 'invalid_option',
} as const;

export type EconomicsErrorCode = (typeof EconomicsError)[keyof typeof EconomicsError];

export interface Bilingual {
  zh: string;
  en: string;
}

export const economicsErrorMessages: Record<EconomicsErrorCode, Bilingual> = {
  invalid_plan: { zh: '激励方案无效', en: 'The incentive plan is invalid' },
  invalid_json: { zh: '文件不是有效的 JSON', en: 'The file is not valid JSON' },
  file_unreadable: { zh: '无法读取文件', en: 'The file cannot be read' },
  invalid_order_figures: { zh: '订单金额数据不一致', en: 'The order figures do not add up' },
  unsafe_amount: {
    zh: '金额超出安全整数范围（分）',
    en: 'An amount is outside the safe integer range (fen)',
  },
  invalid_option: { zh: '命令参数无效', en: 'A command option is invalid' },
};

/** One problem with the input: `path` is the dotted field path ('' for the whole input). */
export interface EconomicsIssue {
  path: string;
  message: string;
}

export class EconomicsFailure extends Error {
  readonly code: EconomicsErrorCode;
  readonly issues: EconomicsIssue[];

  constructor(code: EconomicsErrorCode, issues: EconomicsIssue[] = []) {
    const head = economicsErrorMessages[code].en;
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(detail ? `${head}: ${detail}` : head);
    this.name = 'EconomicsFailure';
    this.code = code;
    this.issues = issues;
  }

  /** The message in the reader's language, with one line per issue. */
  describe(lang: 'zh' | 'en' = 'en'): string {
    const head = economicsErrorMessages[this.code][lang];
    if (this.issues.length === 0) return head;
    const lines = this.issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`);
    return [`${head}:`, ...lines].join('\n');
  }
}
