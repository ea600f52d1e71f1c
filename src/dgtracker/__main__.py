from dgtracker.cli import main

main()
