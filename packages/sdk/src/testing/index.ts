export { testConfig, uniqueId, uniqueTenantId, waitFor } from './helpers.ts';
export { startBureauSimulator, simulatedCreditProfile, SIMULATED_AS_OF, type BureauFaults, type BureauSimulator, type BureauSimulatorOptions, type BureauSimulatorStats, type SimulatedCreditProfile } from './bureau-simulator.ts';
