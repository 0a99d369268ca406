package pgledger_test

const workerEnv = "PGLEDGER_TEST_WORKER"

func workerMain() int { return 2 }
