import { defineErrors } from '../../platform/errors.js';

export const sharingError = defineErrors({
  share_code_not_found: { status: 404, en: 'No such share code.', zh: '分享码不存在。' },
  share_target_required: { status: 422, en: 'Say which shop the code is for (b_node_id or shop).', zh: '请指定分享码所属的门店（b_node_id 或 shop）。' },
  wechat_code_unavailable: { status: 502, en: 'WeChat did not return a mini-program code; try again later.', zh: '微信未返回小程序码，请稍后再试。' },
  wechat_app_not_configured: { status: 409, en: 'The tenant has no WeChat mini-program configured.', zh: '尚未配置微信小程序。' },
});
