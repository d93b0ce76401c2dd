import type { WecomEvent } from '../../modules/wecom/wecom.provider.js';
import { parseFlatXml, WecomCryptoError } from './wecom.crypto.js';

const optionalInt = (v: string | string[] | undefined) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
const optionalText = (v: string | string[] | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A decrypted callback (the inner XML) as a WecomEvent. Only events are accepted: a message with
 * no Event, or without the corp, time and change type every external-contact event carries, is
 * malformed (-40002).
 */
export function parseWecomEvent(innerXml: string): WecomEvent {
  const x = parseFlatXml(innerXml);
  const corpId = optionalText(x.ToUserName);
  const createTime = optionalInt(x.CreateTime);
  const event = optionalText(x.Event);
  if (!corpId || createTime === undefined || !event) throw new WecomCryptoError('xml', 'not a WeCom event (ToUserName, CreateTime and Event are required)');
  const list = x.MemChangeList;
  const e: WecomEvent = { corpId, createTime, event, changeType: optionalText(x.ChangeType) ?? '' };
  const fields: [keyof WecomEvent, string | number | string[] | undefined][] = [
    ['userId', optionalText(x.UserID)], ['externalUserId', optionalText(x.ExternalUserID)], ['state', optionalText(x.State)],
    ['welcomeCode', optionalText(x.WelcomeCode)], ['source', optionalText(x.Source)], ['failReason', optionalText(x.FailReason)],
    ['chatId', optionalText(x.ChatId)], ['updateDetail', optionalText(x.UpdateDetail)], ['joinScene', optionalInt(x.JoinScene)],
    ['quitScene', optionalInt(x.QuitScene)], ['memChangeCnt', optionalInt(x.MemChangeCnt)],
    ['memChangeList', Array.isArray(list) ? list : typeof list === 'string' && list ? [list] : undefined],
    ['tagId', optionalText(x.Id)], ['tagType', optionalText(x.TagType)], ['strategyId', optionalText(x.StrategyId)],
  ];
  for (const [k, v] of fields) if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v;
  return e;
}

const cdata = (v: string) => `<![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** The inner XML WeCom sends for an event (the simulator's event sender, and tests). */
export function wecomEventXml(e: WecomEvent): string {
  const parts: string[] = [
    `<ToUserName>${cdata(e.corpId)}</ToUserName>`, `<FromUserName>${cdata('sys')}</FromUserName>`,
    `<CreateTime>${e.createTime}</CreateTime>`, `<MsgType>${cdata('event')}</MsgType>`, `<Event>${cdata(e.event)}</Event>`,
    `<ChangeType>${cdata(e.changeType)}</ChangeType>`,
  ];
  const text: [string, string | undefined][] = [
    ['ChatId', e.chatId], ['UpdateDetail', e.updateDetail], ['UserID', e.userId], ['ExternalUserID', e.externalUserId], ['State', e.state],
    ['WelcomeCode', e.welcomeCode], ['Source', e.source], ['FailReason', e.failReason], ['Id', e.tagId], ['TagType', e.tagType], ['StrategyId', e.strategyId],
  ];
  for (const [name, v] of text) if (v !== undefined) parts.push(`<${name}>${cdata(v)}</${name}>`);
  if (e.joinScene !== undefined) parts.push(`<JoinScene>${e.joinScene}</JoinScene>`);
  if (e.quitScene !== undefined) parts.push(`<QuitScene>${e.quitScene}</QuitScene>`);
  if (e.memChangeCnt !== undefined) parts.push(`<MemChangeCnt>${e.memChangeCnt}</MemChangeCnt>`);
  if (e.memChangeList?.length) parts.push(`<MemChangeList>${e.memChangeList.map((m) => `<Item>${cdata(m)}</Item>`).join('')}</MemChangeList>`);
  return `<xml>${parts.join('')}</xml>`;
}
