import { defineErrors } from '../../platform/errors.js';

/** The B-node hierarchy's codes: regions, a node's place in the tree, its pickup point. */
export const hierarchyError = defineErrors({
  region_not_found: { status: 404, en: 'No such region.', zh: '区域不存在。' },
  region_cycle: { status: 422, en: 'A region cannot sit under itself or under one of its own subregions.', zh: '区域不能挂在自身或其下级区域之下。' },
  region_not_empty: { status: 409, en: 'This region still has subregions or B nodes; move them first.', zh: '该区域下仍有子区域或门店/团长，请先移走。' },
  parent_not_store: { status: 422, en: 'Only a leader or KOC sits under another node, and that node must be a store.', zh: '只有团长或达人可以挂在其他节点下，且上级必须是门店。' },
  store_has_members: { status: 409, en: 'Nodes sit under this store; it must stay a store.', zh: '该门店下仍有团长，不能更改类型。' },
  coordinates_outside_china: { status: 422, en: 'GCJ-02 coordinates exist only within China: latitude 3.86–53.56, longitude 73.66–135.05.', zh: 'GCJ-02 坐标只在中国境内有效：纬度 3.86–53.56，经度 73.66–135.05。' },
});
