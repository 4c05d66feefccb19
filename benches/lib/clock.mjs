// Clocks for timing on a shared machine. Wall time also counts the time other processes held the
// CPU while ours waited; the process's CPU time (user + system, every thread: V8's collector and
// compiler threads work for the code being measured too) does not.

/** Nanoseconds of CPU time this process has used. */
export function cpuNs() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Nanoseconds of wall time. */
export function wallNs() {
  return Number(process.hrtime.bigint());
}
