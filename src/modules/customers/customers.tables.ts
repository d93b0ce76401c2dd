import type { Generated } from 'kysely';

export interface CustomersTable {
  tenant_id: string;
  id: string;
  user_id: string | null;
  b_node_id: string | null;
  name: string;
  phone: string;
  created_at: Generated<Date>;
}

export interface CustomerTables { customers: CustomersTable }
