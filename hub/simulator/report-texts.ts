/**
 * SIMULATOR — what the simulated reporters write. Grid workers' patrol findings (short, factual, what was done on the
 * spot and who should act) and citizens' reports to the 12345 hotline and 郑好拍 (first person, how long it has been
 * going on, what they want). Each carries the level-3 category of the taxonomy (resources/taxonomy/categories.json)
 * that its sender would pick: a patrol app and the hotline's operators classify as they file, 郑好拍 users choose
 * one. Spread across the taxonomy's fields; no names, phone numbers or real addresses.
 */

export interface SimText {
  text: string;
  /** A level-3 category code of the taxonomy. */
  code: string;
}

/** Grid workers' patrol findings, as a grid worker types them on the phone. */
export const PATROL_FINDINGS: readonly SimText[] = [
  { text: '巡查发现人行道井盖破损，边缘翘起约3厘米，已放置临时警示锥，请市政尽快更换。', code: '030202' },
  { text: '路口东南角雨水井盖缺失，夜间行人易踩空，已用路障围挡，需马上补装。', code: '030201' },
  { text: '早市商贩占道经营，摆摊至非机动车道，已现场劝离两处，仍有反复。', code: '010101' },
  { text: '小区北门外流动摊贩聚集，卖水果的三轮车堵住出入口，已劝导。', code: '010102' },
  { text: '沿街饭店出店经营，桌椅摆到人行道上，已告知店主收回。', code: '010103' },
  { text: '背街小巷垃圾堆积，约两立方米，已有异味，请环卫清运。', code: '020104' },
  { text: '垃圾桶满溢，周边散落生活垃圾，今天还没清运。', code: '020103' },
  { text: '楼后空地有人倾倒装修垃圾，约十几袋，未见清运。', code: '020203' },
  { text: '居民楼一楼住户私自搭建彩钢棚，约20平方米，正在施工，已拍照取证并劝停。', code: '010201' },
  { text: '楼顶发现新搭建的简易房，材料还堆在楼道口，疑似违建。', code: '010202' },
  { text: '消防通道被私家车堵塞，共三辆，已联系物业通知车主挪车。', code: '100101' },
  { text: '商铺后门安全出口上锁，里面堆满纸箱，已要求店员当场打开清理。', code: '100102' },
  { text: '楼道内有电动车飞线充电，电线从三楼窗户垂下来，已提醒住户立即停止。', code: '100202' },
  { text: '单元楼道内停放电动车四辆，堵住疏散通道，已张贴告知书。', code: '100201' },
  { text: '路边消火栓阀门漏水，地面有积水，请供水部门检修。', code: '100105' },
  { text: '路灯不亮，连续三盏，晚上路面很黑，居民反映多次。', code: '030301' },
  { text: '路灯白天常亮，已开了一整天，浪费电。', code: '030302' },
  { text: '灯杆被车撞歪，倾斜明显，底座松动，已拉警戒线。', code: '030303' },
  { text: '人行道地砖松动破损，有一片约5平方米翘起，老人容易绊倒。', code: '030102' },
  { text: '机动车道出现坑槽，直径约半米，车辆经过颠簸，需尽快修补。', code: '030101' },
  { text: '盲道被共享单车和电动车占用，约30米长，已挪开一部分。', code: '030106' },
  { text: '共享单车乱停放，堆在公交站台前，影响乘客上下车。', code: '050406' },
  { text: '路口违章停车严重，占用人行道，行人只能走机动车道。', code: '050102' },
  { text: '有一辆长期停放的僵尸车，落满灰尘、轮胎没气，已停放两个多月。', code: '050404' },
  { text: '交通信号灯故障，东西方向一直黄闪，车辆通行混乱，已联系交警。', code: '050201' },
  { text: '电线杆上通信线缆垂落，离地不到两米，影响行人和车辆。', code: '110507' },
  { text: '架空线缆凌乱，缠成一团挂在树上，存在安全隐患。', code: '110506' },
  { text: '小区门口下水道堵塞，污水冒溢到路面，气味很大。', code: '110402' },
  { text: '雨后低洼路段积水约20厘米，车辆涉水通行，已设置警示。', code: '120101' },
  { text: '道路塌陷一处，约1米见方，深度不明，已围挡，请立即处置。', code: '030103' },
  { text: '树枝断裂悬挂在人行道上方，随时可能掉落，已拉警戒带。', code: '040101' },
  { text: '绿化带内被人开荒种菜，约30平方米，绿地被毁。', code: '040203' },
  { text: '工地围挡破损倒伏，约10米长，工地敞开，行人可随意进入。', code: '090204' },
  { text: '工地出入口未冲洗车辆，渣土带到路面，扬尘很大。', code: '060101' },
  { text: '渣土车沿路撒漏，路面有一长条泥土，需要清扫。', code: '010401' },
  { text: '烧烤摊露天烧烤，油烟大，附近居民有意见，已劝导搬离。', code: '060104' },
  { text: '墙面和电线杆上小广告乱贴，办证、开锁的都有，已清理一部分。', code: '010303' },
  { text: '商铺门头招牌松动，一角脱落，大风天有坠落风险。', code: '010302' },
  { text: '一家小餐馆疑似无证经营，后厨卫生差，已告知市场监管所。', code: '140102' },
  { text: '发现流浪犬三只在小区游荡，有追咬行人现象。', code: '080204' },
  { text: '居民楼外墙瓷砖脱落，掉在楼下通道，已提醒居民绕行。', code: '070303' },
  { text: '闻到明显燃气味，疑似沿街门店燃气泄漏，已疏散并报燃气公司。', code: '110101' },
];

/** A citizen's report, with an address in the text or beside it (`withAddress`: the sender gives one). */
export interface CitizenText extends SimText {
  withAddress?: boolean;
}

/** Citizens' reports, as the 12345 hotline's operators record them or a citizen types into 郑好拍. */
export const CITIZEN_REPORTS: readonly CitizenText[] = [
  { text: '我家楼下的井盖没了，好几天了也没人管，晚上孩子放学经过很危险。', code: '030201', withAddress: true },
  { text: '小区门口天天有人摆摊卖菜，车都进不去，早上上班特别堵。', code: '010101' },
  { text: '楼下烧烤店每天晚上营业到凌晨两三点，油烟和噪音太大了，根本睡不着。', code: '060103' },
  { text: '附近工地晚上十二点以后还在打桩施工，吵得全家人睡不着，希望管一管。', code: '060301' },
  { text: '我们小区停水一整天了，物业说不清楚原因，什么时候能来水？', code: '110201', withAddress: true },
  { text: '家里暖气不热，室温只有十四五度，老人孩子都冻感冒了。', code: '110301', withAddress: true },
  { text: '单元电梯又坏了，这个月第三次了，住十八楼的老人下不了楼。', code: '070201', withAddress: true },
  { text: '小区里有人在楼道里给电动车充电，线从窗户拉下来，太危险了。', code: '100202' },
  { text: '楼道里堆满了杂物和纸箱，物业也不清理，万一着火人都跑不出去。', code: '070109' },
  { text: '路边垃圾好几天没人收了，夏天臭得不行，还招苍蝇。', code: '020102' },
  { text: '公园里的公厕太脏了，没有纸也没有水，门还坏了一扇。', code: '020108' },
  { text: '马路中间有个大坑，昨天晚上我骑电动车差点摔了，请赶快修。', code: '030101' },
  { text: '我们这条路的路灯坏了半个多月了，晚上一片漆黑，女孩子都不敢走。', code: '030301', withAddress: true },
  { text: '十字路口红绿灯不亮了，车和人都乱走，刚才差点撞上。', code: '050201' },
  { text: '小区门口的人行道上停满了汽车，推着婴儿车只能走马路。', code: '050102' },
  { text: '共享单车堆在地铁口，出站的人都过不去。', code: '050406' },
  { text: '有辆车在小区停了一年多没动过，轮胎都瘪了，占着车位。', code: '050404' },
  { text: '公交站台的顶棚坏了，下雨没地方躲，座椅也断了。', code: '030404' },
  { text: '河里漂着很多垃圾和死鱼，味道很大，是不是有人偷排污水？', code: '060202' },
  { text: '附近一家小厂晚上偷偷排黑烟，味道刺鼻，开窗都不敢。', code: '060106' },
  { text: '广场舞音响开得太大，每天晚上跳到十点多，家里学生没法写作业。', code: '060303' },
  { text: '小区绿化带里的树死了好几棵，也没人补种，光秃秃的。', code: '040104' },
  { text: '楼前的大树长得太高，挡住了低层住户的阳光，屋里白天都要开灯。', code: '040103' },
  { text: '杨絮满天飞，小孩过敏咳嗽，能不能早点处理一下？', code: '040107' },
  { text: '邻居在一楼院子里私自加盖房子，挡住了消防通道。', code: '010201', withAddress: true },
  { text: '小区里的流浪狗越来越多，昨天还追着小孩咬，大家都很害怕。', code: '080204' },
  { text: '楼上有人往下扔垃圾，差点砸到楼下的人，请帮忙查一下。', code: '080104' },
  { text: '物业收费不公开，停车费说涨就涨，业主问了也不给答复。', code: '070102', withAddress: true },
  { text: '家里天花板漏水，楼顶防水层坏了，找物业好几次都推诿。', code: '070204', withAddress: true },
  { text: '外墙上的瓷砖往下掉，楼下是小孩玩的地方，太吓人了。', code: '070303' },
  { text: '下雨后小区门口积水到膝盖，车出不去，人也走不了。', code: '120101' },
  { text: '超市里买的牛奶过期了，找商家还不承认，要求退一赔十。', code: '140103' },
  { text: '健身房突然关门了，办的年卡还有八个月，老板电话打不通。', code: '140201' },
  { text: '菜市场有商贩缺斤短两，我称了一下少了快二两。', code: '140302' },
  { text: '在工地干了三个月活，包工头一直拖着不发工资，快过年了。', code: '150102' },
  { text: '学校门口放学时乱停车、小摊贩多，孩子过马路很不安全。', code: '160207' },
  { text: '我们楼的单元门坏了关不上，陌生人随便进出，不安全。', code: '070205' },
  { text: '路边的消防栓被撞坏了，一直往外冒水，浪费得很。', code: '100105' },
  { text: '天然气有味道，好像是楼下饭店漏气了，请赶紧派人来看看。', code: '110101' },
  { text: '马路上的下水道盖子响，每过一辆车就咣当一声，半夜也吵。', code: '030203' },
  { text: '渣土车半夜经过，一路撒土，白天路上全是灰。', code: '010401' },
  { text: '小区对面的空地堆满了建筑垃圾，有人晚上偷偷倒。', code: '010402' },
];

/** How another person begins the same event (a second report of it from another channel). */
export const ECHO_OPENERS: readonly string[] = ['我也看到了，', '路过发现，', '附近居民反映：', '同样的问题：', ''];
