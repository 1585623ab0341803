export { concreteLogDensity, concreteSample, gumbelNoise, straightThrough } from './concrete.js';
export { RELEASED_SCHEDULE, TemperatureSchema, scheduleText, temperature, type Progress, type TemperatureSchedule } from './temperature.js';
