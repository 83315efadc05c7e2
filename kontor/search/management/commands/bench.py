"""`kontor bench`: generates a large account (once) and times Kontor's pages against their bare SQL.

    kontor bench                                   a quick run with small defaults
    kontor bench --people 100000 --companies 20000 --deals 50000 --entries 1000000
    kontor bench --json bench.json                 the figures as JSON too
    kontor bench --throughput mail,import          also mail, parsing, import, export and bulk throughput
                                                   (--throughput all for every group)
    kontor bench --serve                           also through the real server: starts `kontor web` on a
                                                   free loopback port, times the pages over HTTP, the people
                                                   list at concurrency 8 and the workers' memory, stops it

The data is generated into the database of the current data directory (KONTOR_DATA_DIR, or
DATABASE_URL) on the first run; later runs find the benchmark account and measure it again, so a
large account is generated once. Use a data directory of its own, never a real one.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

import kontor


class Command(BaseCommand):
    help = "Generates benchmark data (once) and measures pages against their bare SQL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300)
        parser.add_argument("--companies", type=int, default=60)
        parser.add_argument("--deals", type=int, default=100)
        parser.add_argument("--entries", type=int, default=1000)
        parser.add_argument("--tasks", type=int, default=None, help="Default: a fifth of the people.")
        parser.add_argument("--repeat", type=int, default=30, help="Requests per page (default 30).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", type=Path, help="Also write the figures as JSON to this file.")
        parser.add_argument("--generate-only", action="store_true", help="Generate the data, measure nothing.")
        parser.add_argument("--no-migrate", action="store_true", help="The database is migrated already.")
        parser.add_argument("--throughput", default="",
                            help="Also measure throughput: comma-separated groups of mail, parsing, import, export, "
                                 "bulk, or all.")
        parser.add_argument("--no-pages", action="store_true", help="Skip the in-process page timings.")
        parser.add_argument("--serve", action="store_true",
                            help="Also measure through `kontor web`, started and stopped by the benchmark: pages "
                                 "over HTTP, throughput at concurrency 8, the workers' memory.")
        parser.add_argument("--requests", type=int, default=1000,
                            help="With --serve: requests of the throughput run, and as many again spread over the "
                                 "pages before the workers' memory is read (default 1,000).")

    def handle(self, *args: Any, **options: Any) -> None:
        # bench/ sits beside the kontor package in the source tree and is not installed with it.
        source_tree = Path(kontor.__file__).resolve().parent.parent
        if (source_tree / "bench").is_dir() and str(source_tree) not in sys.path:
            sys.path.append(str(source_tree))
        try:
            from bench import generate, run, serve, throughput
        except ImportError:
            raise CommandError("The benchmark lives in bench/ of Kontor's source tree; run it from there.") from None
        if not options["no_migrate"]:
            call_command("migrate", verbosity=0, interactive=False)
        if generate.bench_membership() is None:
            size = generate.Size(options["people"], options["companies"], options["deals"], options["entries"],
                                 options["tasks"])
            self.stdout.write(f"Generating {size}…")
            generate.generate(size, seed=options["seed"], say=lambda text: self.stdout.write(f"  {text}"))
        else:
            self.stdout.write("Using the benchmark account already in this database.")
        if options["generate_only"]:
            return
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1.")
        groups = [name.strip() for name in options["throughput"].split(",") if name.strip()]
        unknown = set(groups) - {*throughput.GROUPS, "all"}
        if unknown:
            raise CommandError(f"Unknown throughput group: {', '.join(sorted(unknown))}.")
        report: dict[str, Any] = {}
        if not options["no_pages"]:
            report = run.run(repeat=options["repeat"])
            self.stdout.write(run.table(report))
        if options["serve"]:
            report["serve"] = serve.run(repeat=options["repeat"], requests=options["requests"],
                                        say=self.stdout.write)
            self.stdout.write(serve.table(report["serve"]))
        if options["json"] and report:
            options["json"].write_text(run.to_json(report))
            self.stdout.write(f"JSON written to {options['json']}")
        if groups:
            rows = throughput.run(self.stdout.write, None if "all" in groups else groups)
            self.stdout.write(throughput.table(rows))
            if options["json"]:
                path = options["json"].with_name(options["json"].stem + "-throughput.json")
                path.write_text(throughput.to_json(rows))
                self.stdout.write(f"JSON written to {path}")
