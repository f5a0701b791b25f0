import { addFileReadRule } from '../files/index.ts';
import { mayReadDeliveryPhoto } from './photos.ts';

/** Study-delivery trips (千里送学): who went where, which members they met, photos. */
export { listDeliveries, listMemberDeliveries } from './service.ts';
export { registerDeliveriesRoutes } from './routes.ts';

addFileReadRule('trip_photo', mayReadDeliveryPhoto);
