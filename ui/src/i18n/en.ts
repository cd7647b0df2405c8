import type zh from "./zh-CN";

type Messages = { [K in keyof typeof zh]: { [P in keyof (typeof zh)[K]]: string } };

const en: Messages = {
  app: {
    name: "Surety Desk",
    subtitle: "Small-loan guarantee insurance pilot",
    language: "Language",
  },
  menu: {
    dashboard: "Dashboard",
    cases: "Cases",
    statistics: "Statistics",
    settings: "Settings",
  },
  dashboard: {
    title: "Dashboard",
    version: "Version",
    pilotCities: "Pilot cities",
    cityCount: "{n} pilot cities",
  },
  cities: {
    code: "Code",
    name: "Name",
    note: "Note",
    ownPilot: "Runs its own pilot",
    mergedInto: "Merged into {city}; historical cases kept",
  },
  cases: {
    title: "Cases",
    empty: "Case management opens once the case store is ready.",
  },
  statistics: {
    title: "Statistics",
    empty: "Statistics open once the case store is ready.",
  },
  settings: {
    title: "Settings",
    language: "Interface language",
  },
  errors: {
    loadFailed: "Could not load: {msg}",
  },
};

export default en;
