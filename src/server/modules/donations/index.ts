import { addFileReadRule } from '../files/index.ts';
import { mayReadSpendingPhoto } from './read-rule.ts';

/** 捐款捐物: donation campaigns, their receipts and spending in integer fen, the balance, the ledger's xlsx. */
export { registerDonationsRoutes } from './routes.ts';

addFileReadRule('donation_spending', mayReadSpendingPhoto);
