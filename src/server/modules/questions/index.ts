/** 有问必答: members' questions to their branch, answers and the unit's FAQ (being built). */
export {};
