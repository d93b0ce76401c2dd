import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { campaignSchema, createCampaignBody, updateCampaignBody } from './campaigns.schema.js';
import * as campaigns from './campaigns.service.js';

export const campaignRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['campaigns'];
  app.get('/campaigns', { schema: { tags, operationId: 'listCampaigns', summary: 'List subsidy campaigns, newest first', response: { 200: itemsOf(campaignSchema) } } }, async (req) => ({ items: await campaigns.listCampaigns(db, requirePermission(req, 'campaigns.read')) }));
  app.get('/campaigns/:id', { schema: { tags, operationId: 'getCampaign', summary: 'A subsidy campaign', params: idParams, response: { 200: campaignSchema } } }, async (req) => campaigns.visibleCampaign(db, requirePermission(req, 'campaigns.read'), req.params.id));
  app.post('/campaigns', { schema: { tags, operationId: 'createCampaign', summary: 'Start a subsidy campaign, checked by the economics guard', body: createCampaignBody, response: { 201: campaignSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => campaigns.createCampaign(tx, clock, actor, req.body)));
  });
  app.patch('/campaigns/:id', { schema: { tags, operationId: 'updateCampaign', summary: 'Change a running campaign, checked by the economics guard', params: idParams, body: updateCampaignBody, response: { 200: campaignSchema } } }, async (req) => {
    const actor = requirePermission(req, 'campaigns.write');
    return inTransaction(db, (tx) => campaigns.updateCampaign(tx, actor, req.params.id, req.body));
  });
  app.post('/campaigns/:id/end', { schema: { tags, operationId: 'endCampaign', summary: 'End a campaign now', params: idParams, response: { 200: campaignSchema } } }, async (req) => {
    const actor = requirePermission(req, 'campaigns.write');
    return inTransaction(db, (tx) => campaigns.endCampaign(tx, actor, req.params.id));
  });
};
