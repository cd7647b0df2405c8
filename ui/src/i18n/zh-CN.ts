// Keys are grouped by page; en.ts must have exactly the same keys (a unit test checks).
export default {
  app: {
    name: "保贷通",
    subtitle: "小额贷款保证保险试点业务系统",
    language: "语言",
  },
  menu: {
    dashboard: "工作台",
    cases: "案件",
    statistics: "统计",
    settings: "设置",
  },
  dashboard: {
    title: "工作台",
    version: "版本",
    pilotCities: "试点市",
    cityCount: "共 {n} 个试点市",
  },
  cities: {
    code: "代码",
    name: "名称",
    note: "说明",
    ownPilot: "自行组织试点",
    mergedInto: "已并入{city}，保留历史案件",
  },
  cases: {
    title: "案件",
    empty: "案件管理将在案件库就绪后开放。",
  },
  statistics: {
    title: "统计",
    empty: "统计报表将在案件库就绪后开放。",
  },
  settings: {
    title: "设置",
    language: "界面语言",
  },
  errors: {
    loadFailed: "加载失败：{msg}",
  },
};
