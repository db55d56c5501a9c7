from qdledger_cli.main import run

run()
