import type { BNodeKind } from '../../modules/b-nodes/b-nodes.schema.js';

/**
 * What the demo tenant sells and who sells it. Prices are suggested retail in fen; supply prices
 * are derived from the margin bands of DOMAIN.md (fresh 10–25%, packaged 20–35%), so the demo's
 * reports show the margins an operator would actually see.
 */
export type Category = 'fruit' | 'vegetables' | 'meat_eggs' | 'dairy' | 'grain_oil' | 'snacks' | 'drinks' | 'daily';

export interface DemoProduct {
  title: string;
  category: Category;
  description: string;
  /** [variant name, suggested retail price in fen] */
  skus: [string, number][];
  /** Relative demand: eggs and milk sell far more often than lamb rolls. */
  popularity: number;
}

export interface DemoSupplier {
  name: string;
  codePrefix: string;
  fresh: boolean;
  login: string;
  operatorName: string;
  products: DemoProduct[];
}

export const MARGIN_BAND = { fresh: [0.1, 0.25], packaged: [0.2, 0.35] } as const;

export const DEMO_SUPPLIERS: DemoSupplier[] = [
  {
    name: '绿野鲜生农业合作社', codePrefix: 'FR', fresh: true, login: 'supplier1', operatorName: '绿野鲜生 · 周经理',
    products: [
      { title: '海南金煌芒果', category: 'fruit', description: '树上自然熟，果核薄，产地直发', popularity: 1.0, skus: [['2.5kg装', 3990], ['5kg装', 7490]] },
      { title: '赣南脐橙', category: 'fruit', description: '果园现摘，酸甜多汁', popularity: 1.4, skus: [['2.5kg装', 2990], ['5kg装', 5490], ['10kg礼盒装', 9990]] },
      { title: '烟台红富士苹果', category: 'fruit', description: '脆甜果肉，冷库保鲜', popularity: 1.3, skus: [['5斤装', 2690], ['10斤装', 4990], ['20斤家庭装', 8990]] },
      { title: '丹东99草莓', category: 'fruit', description: '冷链到店，当天采摘', popularity: 0.8, skus: [['500g', 3990], ['1kg', 7590]] },
      { title: '阳光玫瑰葡萄', category: 'fruit', description: '玫瑰香型，无籽可连皮吃', popularity: 0.9, skus: [['1串约700g', 2980], ['2串约1.4kg', 5680]] },
      { title: '本地上海青', category: 'vegetables', description: '本地基地清晨采收', popularity: 1.6, skus: [['500g', 390], ['1kg', 690]] },
      { title: '云南小土豆', category: 'vegetables', description: '黄心沙糯，适合煎炸', popularity: 1.2, skus: [['2.5kg', 990], ['5kg', 1790]] },
      { title: '普罗旺斯西红柿', category: 'vegetables', description: '沙瓤多汁，可生食', popularity: 1.3, skus: [['500g', 890], ['1.5kg', 2390]] },
      { title: '时令蔬菜组合', category: 'vegetables', description: '每日按时令搭配，一次买齐', popularity: 1.1, skus: [['5种约2kg', 2590], ['8种约3.5kg', 3990]] },
      { title: '散养土鸡蛋', category: 'meat_eggs', description: '林下散养，蛋黄饱满', popularity: 2.0, skus: [['20枚', 2290], ['30枚', 3290], ['60枚', 6180]] },
      { title: '黑猪五花肉', category: 'meat_eggs', description: '冷鲜排酸，肥瘦相间', popularity: 1.1, skus: [['500g', 3290], ['1kg', 6280]] },
      { title: '冷鲜鸡腿', category: 'meat_eggs', description: '当日屠宰，全程冷链', popularity: 1.0, skus: [['1kg', 2590], ['2kg', 4890]] },
      { title: '内蒙古羔羊肉卷', category: 'meat_eggs', description: '涮火锅首选，肥瘦均匀', popularity: 0.6, skus: [['500g', 4590], ['1kg', 8790]] },
    ],
  },
  {
    name: '味之源食品有限公司', codePrefix: 'PK', fresh: false, login: 'supplier2', operatorName: '味之源 · 林经理',
    products: [
      { title: '全脂纯牛奶', category: 'dairy', description: '生牛乳100%，3.2g乳蛋白', popularity: 1.8, skus: [['250ml×12盒', 4990], ['250ml×24盒', 9490]] },
      { title: '原味风味酸奶', category: 'dairy', description: '低温发酵，口感浓稠', popularity: 1.3, skus: [['200g×10杯', 3990], ['200g×20杯', 7580], ['1kg家庭装', 1690]] },
      { title: '低温鲜牛奶', category: 'dairy', description: '巴氏杀菌，冷藏7天', popularity: 1.2, skus: [['950ml', 1690], ['950ml×2瓶', 3190]] },
      { title: '五常稻花香大米', category: 'grain_oil', description: '当季新米，真空包装', popularity: 1.0, skus: [['2.5kg', 3790], ['5kg', 6990], ['10kg', 12990]] },
      { title: '压榨一级花生油', category: 'grain_oil', description: '物理压榨，浓香型', popularity: 0.8, skus: [['1.8L', 3990], ['5L', 9990]] },
      { title: '高筋小麦粉', category: 'grain_oil', description: '适合饺子、面条、馒头', popularity: 0.7, skus: [['2.5kg', 2190], ['5kg', 3990]] },
      { title: '每日坚果', category: 'snacks', description: '六种坚果果干，独立小包', popularity: 1.0, skus: [['25g×7袋', 2490], ['25g×30袋', 8990]] },
      { title: '全麦手撕面包', category: 'snacks', description: '早餐代餐，松软拉丝', popularity: 1.1, skus: [['500g', 1590], ['1kg', 2990]] },
      { title: '海苔脆片', category: 'snacks', description: '夹心海苔，儿童零食', popularity: 0.7, skus: [['40g×3袋', 1990], ['40g×8袋', 4990]] },
      { title: '无糖乌龙茶', category: 'drinks', description: '0糖0脂，茶香回甘', popularity: 1.0, skus: [['500ml×6瓶', 2390], ['500ml×15瓶', 5490]] },
      { title: '天然矿泉水', category: 'drinks', description: '长白山水源', popularity: 1.2, skus: [['550ml×24瓶', 3590], ['1.5L×12瓶', 3290], ['5L×4桶', 3990]] },
      { title: '原木抽纸', category: 'daily', description: '3层加厚，母婴可用', popularity: 1.1, skus: [['3层100抽×12包', 2690], ['3层100抽×24包', 4990]] },
      { title: '洗衣凝珠', category: 'daily', description: '除菌除螨，持久留香', popularity: 0.6, skus: [['52颗', 5990], ['100颗', 9990]] },
      { title: '柠檬洗洁精', category: 'daily', description: '食品级配方，不伤手', popularity: 0.7, skus: [['1.5kg', 1590], ['1.5kg×2瓶', 2890]] },
    ],
  },
];

export const DEMO_WAREHOUSES = ['城东中心仓', '城西前置仓'];

export interface DemoNode {
  kind: BNodeKind;
  name: string;
  slug: string;
  warehouse: number;
  pickupAddress: string;
  customers: number;
  listed: [number, number];
}

/** The first node is the one `leader1` and `staff1` belong to; leaders serve more customers than stores. */
export const DEMO_NODES: DemoNode[] = [
  { kind: 'leader', name: '翠苑一区 · 张姐团购', slug: 'demo-cuiyuan', warehouse: 0, pickupAddress: '翠苑一区12幢架空层自提点', customers: 55, listed: [40, 50] },
  { kind: 'leader', name: '金色家园 · 王哥优选', slug: 'demo-jinse', warehouse: 1, pickupAddress: '金色家园南门快递驿站旁', customers: 45, listed: [30, 40] },
  { kind: 'leader', name: '和平里 · 李阿姨团购', slug: 'demo-hepingli', warehouse: 0, pickupAddress: '和平里社区活动中心一楼', customers: 40, listed: [30, 40] },
  { kind: 'store', name: '阳光便利店', slug: 'demo-yangguang', warehouse: 0, pickupAddress: '阳光花园东门1号商铺', customers: 32, listed: [50, 60] },
  { kind: 'store', name: '邻里鲜生超市', slug: 'demo-linli', warehouse: 1, pickupAddress: '文一西路588号邻里中心B1', customers: 28, listed: [50, 60] },
];

export const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏方白邹孟熊秦邱江尹薛段雷侯龙陶黎贺顾毛郝龚邵万钱严武戴孔汤'];

export const GIVEN_NAMES = [
  '伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞',
  '平', '刚', '桂英', '文', '华', '欣怡', '子涵', '浩然', '雨桐', '梓萱', '宇轩', '思远', '佳怡', '晓燕', '建国', '淑珍', '玉兰',
  '海燕', '志强', '丽华', '春梅', '红梅', '金凤', '婷婷', '雪', '晨', '一鸣', '慧', '小红', '建华', '国庆', '美玲', '桂芳', '俊杰',
];

export const REFUND_REASONS = ['商品质量问题', '少发漏发', '不想要了', '收到时已损坏', '与描述不符'];
