import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { customerIdOf, requireActor, requirePermission } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { createReferralTaskBody, myInvitationsSchema, referralProgressSchema, referralTaskSchema } from './referrals.schema.js';
import * as referrals from './referrals.service.js';

export const referralRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['referrals'];
  app.get('/referral-tasks', { schema: { tags, operationId: 'listReferralTasks', summary: 'Referral tasks with their counts, newest first', response: { 200: itemsOf(referralTaskSchema) } } }, async (req) =>
    ({ items: await referrals.listTasks(db, requirePermission(req, 'campaigns.read')) }));
  app.post('/referral-tasks', { schema: { tags, operationId: 'createReferralTask', summary: 'Create a referral task (invite N first-time buyers → a coupon or points), checked by the economics guard', description: 'A reward in money per recruit is refused by the guard (422 economics_rejected, rule G2).', body: createReferralTaskBody, response: { 201: referralTaskSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => referrals.createTask(tx, clock, actor, req.body)));
  });
  app.get('/referral-tasks/:id/progress', { schema: { tags, operationId: 'getReferralProgress', summary: 'Each inviter\'s counted and refused invitees and rewards', params: idParams, response: { 200: itemsOf(referralProgressSchema) } } }, async (req) =>
    ({ items: await referrals.taskProgress(db, requirePermission(req, 'campaigns.read'), req.params.id) }));
  app.get('/wallet/invitations', { schema: { tags: ['shop'], operationId: 'getMyInvitations', summary: 'The buyer\'s running referral tasks, their invitees and rewards, and their points', response: { 200: myInvitationsSchema } } }, async (req) => {
    const actor = requireActor(req, ['consumer']);
    return referrals.myInvitations(db, actor.tenantId, customerIdOf(actor)!, clock.now());
  });
};
