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
    expect(toProblem(pgError('23505', 'duplicate key'))).toMatchObject({ status: 500, code: 'internal' });
    expect(toProblem(new Error('Connection string is invalid'))).toMatchObject({ status: 500, code: 'internal' });
  });
});
