import { describe, expect, it } from 'vitest';
import { toProblem } from './problem.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database outages as problems', () => {
  it.each([
    ['refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset connection', pgError('ECONNRESET', 'read ECONNRESET')],
    ['admin shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', pgError('57P02')],
    ['cannot connect now', pgError('57P03', 'the database system is starting up')],
    ['connection exception class', pgError('08006', 'connection failure')],
    ['terminated connection', new Error('Connection terminated unexpectedly')],
    ['closed client', new Error('Client has encountered a connection error and is not queryable')],
  ])('%s answers 503 database_unavailable', (_, err) => {
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'database_unavailable' });
  });

  it('other database errors stay what they were', () => {
    expect(toProblem(pgError('22P02'))).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(toProblem(new Error('Connection string is invalid'))).toMatchObject({ status: 500, code: 'internal' });
  });
});

describe('database refusals as problems', () => {
  it('a unique-key violation answers 409 already_exists without the database\'s detail', () => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "customers_tenant_id_phone_key"'), {
      code: '23505', detail: 'Key (tenant_id, phone)=(ten_1, 13800000000) already exists.', constraint: 'customers_tenant_id_phone_key',
    });
    const problem = toProblem(err);
    expect(problem).toMatchObject({ status: 409, code: 'already_exists' });
    expect(JSON.stringify(problem)).not.toMatch(/13800000000|customers_tenant_id_phone_key|Key \(/);
  });

  it('text PostgreSQL cannot store answers 400 invalid_text', () => {
    expect(toProblem(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toMatchObject({ status: 400, code: 'invalid_text' });
  });
});
