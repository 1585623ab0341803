// Temperature schedules as data (a config's `temperature` section). SNAS' released code uses
// the linear one, updated once per epoch; the paper publishes neither tau0 nor the schedule,
// so the others are here for the ablation.
import { z } from 'zod';

export const TemperatureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), tau0: z.number().positive() }).strict(),
  // tau = (1 - (t+1)/T) (tau0 - tau_min) + tau_min: the released code's, per epoch.
  z.object({ kind: z.literal('linear'), tau0: z.number().positive(), tau_min: z.number().positive(), per: z.enum(['epoch', 'step']).default('epoch') }).strict(),
  // tau = max(tau_min, tau0 * rate^t)
  z.object({ kind: z.literal('exponential'), tau0: z.number().positive(), rate: z.number().positive().max(1), tau_min: z.number().positive().default(1e-3), per: z.enum(['epoch', 'step']).default('epoch') }).strict(),
  // tau = tau_min + (tau0 - tau_min) (1 + cos(pi t / T)) / 2
  z.object({ kind: z.literal('cosine'), tau0: z.number().positive(), tau_min: z.number().positive(), per: z.enum(['epoch', 'step']).default('epoch') }).strict(),
  // tau = tau0 * factor^floor(t / every)
  z.object({ kind: z.literal('step'), tau0: z.number().positive(), factor: z.number().positive().max(1), every: z.number().int().positive(), per: z.enum(['epoch', 'step']).default('epoch') }).strict(),
]);
export type TemperatureSchedule = z.infer<typeof TemperatureSchema>;

/** SNAS' released schedule: linear from 1 to 0.03, updated per epoch. */
export const RELEASED_SCHEDULE: TemperatureSchedule = { kind: 'linear', tau0: 1, tau_min: 0.03, per: 'epoch' };

export interface Progress {
  epoch: number;
  epochs: number;
  /** Step within the whole run (0-based) and steps per epoch, for per-step schedules. */
  step?: number;
  stepsPerEpoch?: number;
}

/** The temperature at a point of the run. */
export function temperature(s: TemperatureSchedule, p: Progress): number {
  if (s.kind === 'constant') return s.tau0;
  const perStep = s.per === 'step';
  if (perStep && (p.step === undefined || p.stepsPerEpoch === undefined)) throw new Error('a per-step schedule needs step and stepsPerEpoch');
  const t = perStep ? p.step! : p.epoch;
  const total = perStep ? p.epochs * p.stepsPerEpoch! : p.epochs;
  switch (s.kind) {
    case 'linear':
      return (1 - (t + 1) / total) * (s.tau0 - s.tau_min) + s.tau_min;
    case 'exponential':
      return Math.max(s.tau_min, s.tau0 * s.rate ** t);
    case 'cosine':
      return s.tau_min + 0.5 * (s.tau0 - s.tau_min) * (1 + Math.cos((Math.PI * t) / total));
    case 'step':
      return s.tau0 * s.factor ** Math.floor(t / s.every);
  }
}

/** The schedule in a few words (tables and legends). */
export function scheduleText(s: TemperatureSchedule): string {
  switch (s.kind) {
    case 'constant':
      return `constant ${s.tau0}`;
    case 'linear':
    case 'cosine':
      return `${s.kind} ${s.tau0} -> ${s.tau_min} per ${s.per}`;
    case 'exponential':
      return `exponential ${s.tau0} x ${s.rate}^t (min ${s.tau_min}) per ${s.per}`;
    case 'step':
      return `step ${s.tau0} x ${s.factor} every ${s.every} ${s.per}s`;
  }
}
