/** Synthetic but plausible Chinese names for generated grids and people. */
import type { Random } from './random';

const ROAD_WORDS = [
  '建设',
  '人民',
  '花园',
  '文化',
  '经三',
  '纬五',
  '金水',
  '嵩山',
  '航海',
  '陇海',
  '黄河',
  '农业',
  '丰产',
  '未来',
  '商都',
  '紫荆山',
  '桐柏',
  '伏牛',
  '淮河',
  '大学',
  '棉纺',
  '汝河',
  '秦岭',
  '工人',
  '解放',
  '政通',
  '民主',
  '东明',
  '南阳',
  '北林',
  '杜岭',
  '城东',
  '祭城',
  '龙湖',
  '如意',
  '博学',
  '学院',
  '长江',
  '须水',
  '林山寨',
  '三官庙',
  '绿东村',
  '兴华',
  '嵩岳',
  '京广',
  '中州',
  '百花',
  '福华',
  '石佛',
  '沟赵',
  '枫杨',
  '五龙口',
  '东风',
  '金光',
  '正商',
  '碧云',
];
const PLACE_WORDS = [
  '和平',
  '幸福',
  '光明',
  '兴隆',
  '永安',
  '富民',
  '新华',
  '龙泉',
  '青峰',
  '石桥',
  '柳林',
  '白沙',
  '杨庄',
  '李湾',
  '王岗',
  '张庄',
  '刘寨',
  '陈楼',
  '赵沟',
  '孙湾',
  '马寨',
  '高村',
  '郭店',
  '郑庄',
  '黄岗',
  '朱屯',
  '徐寨',
  '邢庄',
  '桃园',
  '杏花',
  '梨园',
  '槐树',
  '松林',
  '枣园',
  '金桥',
  '银河',
  '锦绣',
  '翠竹',
  '凤凰',
  '卧龙',
  '洞林',
  '古城',
];
const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '郑',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀',
  '霞',
  '平',
  '刚',
  '桂',
  '华',
  '红',
  '建',
  '国',
  '晨',
  '宇',
  '欣',
  '博',
];

/** Street-level unit: sub-districts (街道) in towns, towns (镇) and townships (乡) in the countryside. */
export function streetName(random: Random, rural: boolean, index: number): string {
  const base = rural ? random.pick(PLACE_WORDS) : `${random.pick(ROAD_WORDS)}路`;
  const suffix = rural ? (random.next() < 0.7 ? '镇' : '乡') : '街道';
  return `${base}${index > 0 && random.next() < 0.3 ? random.pick(['东', '西', '南', '北']) : ''}${suffix}`;
}

export function communityName(random: Random, rural: boolean): string {
  return rural
    ? `${random.pick(PLACE_WORDS)}村`
    : `${random.pick(ROAD_WORDS)}${random.pick(['社区', '社区', '新村社区'])}`;
}

export function compoundName(random: Random, rural: boolean, index: number): string {
  if (rural) return `第${index + 1}村民小组`;
  return `${random.pick(PLACE_WORDS)}${random.pick(['小区', '家园', '花园', '院', '公寓'])}`;
}

export function placeWord(random: Random): string {
  return random.pick(PLACE_WORDS);
}

export function personName(random: Random): string {
  const given = random.next() < 0.6 ? random.pick(GIVEN) + random.pick(GIVEN) : random.pick(GIVEN);
  return random.pick(SURNAMES) + given;
}

export function phoneNumber(random: Random): string {
  return `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
}
