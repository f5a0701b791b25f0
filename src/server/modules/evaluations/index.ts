/** 民主评议党员: the annual evaluation with its secret ballot (being built). */
export {};
