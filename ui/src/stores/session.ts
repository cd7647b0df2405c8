import { defineStore } from "pinia";
import { ref } from "vue";
import { commands, type User } from "../api";
import { call } from "../api/result";
import { useCodesStore } from "./codes";
import { useCaseListStore } from "./caseList";

const IDLE_KEY = "surety.idleMinutes";

/** Who is signed in; the database stays open only while someone is. */
export const useSessionStore = defineStore("session", () => {
  const user = ref<User | null>(null);
  const databaseExists = ref(true);
  /** The date the service records steps on: today, or a demo database's replayed day. */
  const businessDate = ref(new Date().toISOString().slice(0, 10));
  /** A database made for replay, training or demonstration: its business date is set. */
  const replay = ref(false);
  const idleMinutes = ref(Number(globalThis.localStorage?.getItem(IDLE_KEY) ?? 15) || 15);
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  async function refresh() {
    const info = await commands.sessionInfo();
    databaseExists.value = info.database_exists;
    user.value = info.user;
    if (info.business_date) businessDate.value = info.business_date;
    replay.value = info.replay;
    useCodesStore().setPilotCities((info.pilot_cities ?? []).map((c) => c.code));
  }

  /** The Rust side enforces the same idle lock, even if this page stops reporting. */
  async function tellIdleLock() {
    try {
      await call(commands.setIdleLock(idleMinutes.value));
    } catch {
      // A value the service refuses keeps its default (15 minutes).
    }
  }

  async function signIn(username: string, password: string) {
    user.value = await call(commands.signIn(username, password));
    await tellIdleLock();
    await refresh();
    touch();
  }

  async function firstRun(username: string, displayName: string, password: string) {
    user.value = await call(
      commands.firstRun({ username, display_name: displayName, role: "admin", organisation: null }, password),
    );
    databaseExists.value = true;
    await tellIdleLock();
    await refresh();
    touch();
  }

  async function signOut() {
    await commands.signOut();
    user.value = null;
    // The next person starts from an empty case search.
    useCaseListStore().$reset();
    if (idleTimer) clearTimeout(idleTimer);
  }

  /** Called on every key press and click: locks after the configured idle time. */
  function touch() {
    if (idleTimer) clearTimeout(idleTimer);
    if (!user.value) return;
    idleTimer = setTimeout(() => void signOut(), idleMinutes.value * 60_000);
  }

  function setIdleMinutes(m: number) {
    idleMinutes.value = m;
    globalThis.localStorage?.setItem(IDLE_KEY, String(m));
    void tellIdleLock();
    touch();
  }

  return {
    user,
    databaseExists,
    businessDate,
    replay,
    idleMinutes,
    refresh,
    signIn,
    firstRun,
    signOut,
    touch,
    setIdleMinutes,
  };
});
