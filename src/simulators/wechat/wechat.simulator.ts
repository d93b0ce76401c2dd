/** Where the WeChat OAuth / mini-program simulator answers, in sandbox mode only. */
export const WECHAT_SIMULATOR_PREFIX = '/simulators/wechat';
