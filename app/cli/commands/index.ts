// One line per subcommand module; each exports `register(program: Command): void`.
