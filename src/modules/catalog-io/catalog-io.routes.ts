import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { catalogIoError } from './catalog-io.errors.js';
import { CONTENT_TYPES, sniffFormat } from './catalog-io.files.js';
import { fileQuery, importQuery, importRunSchema, runParams } from './catalog-io.schema.js';
import * as io from './catalog-io.service.js';

/** Uploads up to 50 MB: about 300,000 catalog rows of CSV. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const UPLOAD_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

export const catalogIoRoutes: RouteModule<Database> = async (app, { db }) => {
  const tags = ['imports'];
  // The file is the body itself (no multipart): its own parser, in a scope of its own so no other
  // route accepts these types.
  await app.register(async (plain) => {
    const scope = plain as unknown as typeof app;
    scope.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));
    scope.post('/imports', {
      schema: {
        tags, operationId: 'startImport', summary: 'Upload a catalog or stock file (CSV or .xlsx as the raw body) and import it in the background',
        description: 'Answers 202 with the run; poll GET /imports/{id} for progress and the row-level report. A body of another type answers 415.',
        querystring: importQuery, response: { 202: importRunSchema },
      },
    }, async (req, reply) => {
      const actor = requirePermission(req, 'catalog.import');
      if (!Buffer.isBuffer(req.body)) throw catalogIoError('unsupported_file_type');
      const run = await io.startImport(db, actor, { ...req.query, format: sniffFormat(req.body) }, req.body);
      return reply.status(202).send(run);
    });
  });
  app.get('/imports/:id', { schema: { tags, operationId: 'getImport', summary: 'An import\'s progress and, once done, its report', params: runParams, response: { 200: importRunSchema } } }, async (req) =>
    io.getRun(db, requirePermission(req, 'catalog.import'), req.params.id));
  app.get('/exports', { schema: { hide: true, querystring: fileQuery } }, async (req, reply) => {
    const actor = requirePermission(req, 'catalog.import');
    const body = await io.exportFile(db, actor, req.query.kind, req.query.format);
    return reply.type(CONTENT_TYPES[req.query.format]).header('content-disposition', `attachment; filename="${req.query.kind}.${req.query.format}"`).send(body);
  });
  app.get('/exports/template', { schema: { hide: true, querystring: fileQuery } }, async (req, reply) => {
    requirePermission(req, 'catalog.import');
    const body = await io.templateFile(req.query.kind, req.query.format);
    return reply.type(CONTENT_TYPES[req.query.format]).header('content-disposition', `attachment; filename="${req.query.kind}-template.${req.query.format}"`).send(body);
  });
};
