package org.eo2sar.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.eo2sar.core.Eo2SarException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code eo2sar}: the command line. Errors are one line on stderr and a documented exit code
 * ({@link ExitCode}); {@code --verbose} adds the stack trace.
 */
@Command(name = "eo2sar", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Translate optical (EO) rasters into SAR-like rasters with ONNX generators.",
        subcommands = {TranslateCommand.class, InfoCommand.class, ServeCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug; --verbose shows the stack trace)",
            "2:invalid command line or option value",
            "3:invalid input raster",
            "4:invalid model",
            "5:device unavailable (e.g. CUDA)",
            "6:I/O error",
            "130:cancelled (Ctrl-C)"})
public final class Main implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: translate, info or serve");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit code (tests call this). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        LogSetup.configure(java.util.Arrays.asList(args).contains("--verbose"));
        CommandLine cl = new CommandLine(new Main());
        cl.setExpandAtFiles(false); // "--aoi @file" is ours, not picocli's argument file
        cl.setOut(new PrintWriter(new TerminalSafeWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)), true));
        cl.setErr(new PrintWriter(new TerminalSafeWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8)), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter w = ex.getCommandLine().getErr();
            w.println("eo2sar: " + ex.getMessage());
            w.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            if (verbose(parseResult)) {
                ex.printStackTrace(w);
            }
            if (ex instanceof Eo2SarException e) {
                w.println("eo2sar: " + e.getMessage());
                return ExitCode.of(e.kind());
            }
            if (ex instanceof CommandLine.ParameterException pe) {
                w.println("eo2sar: " + pe.getMessage());
                return ExitCode.USAGE;
            }
            w.println("eo2sar: internal error: " + ex + (verbose(parseResult) ? "" : " (run with --verbose for details)"));
            return ExitCode.INTERNAL;
        });
        return cl.execute(args);
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
