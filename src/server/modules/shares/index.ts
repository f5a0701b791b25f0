/** 每月一互动: members' shared posts, comments, likes and the monthly topics (being built). */
export {};
