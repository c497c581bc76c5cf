import { contentContractSuite } from "./content.contract-suite.ts";

contentContractSuite("filesystem", { env: async () => ({}) });
