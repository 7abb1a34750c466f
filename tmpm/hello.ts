console.log('start');
import { createScenario } from '@tocsin/simulator';
console.log('imported');
