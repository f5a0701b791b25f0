/** 季度一评议: the quarterly review of mobile members (being built). */
export {};
