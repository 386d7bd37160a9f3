import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { User } from '../tables/reference.js';

export function findUser(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listActiveUsers(db: Kysely<Database>): Promise<User[]> {
  return db.selectFrom('users').selectAll().where('active', '=', true).orderBy('role').orderBy('id').execute();
}
