package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amtl.spark.job.DenseKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line that {@code submit/amtl-train} hands to spark-submit when SPARK_HOME is set, read from a stub
 * spark-submit that prints its arguments one per line (the launcher runs from a copy of the repository's layout
 * with placeholder jars, so nothing is built).
 */
class LauncherTest {
  @TempDir
  static Path dir;

  static List<String> submitted(String... launcherArgs) throws Exception {
    return submittedBy("amtl-train", launcherArgs);
  }

  static List<String> submittedBy(String launcher, String... launcherArgs) throws Exception {
    Path root = dir.resolve("repo");
    Files.createDirectories(root.resolve("submit"));
    Files.createDirectories(root.resolve("spark-jobs/target/lib"));
    for (String f : List.of("amtl-train", "amtl-score", "spark-job.sh", "log4j2.properties",
        "java17-flags")) {
      Files.copy(Path.of("..", "submit", f), root.resolve("submit").resolve(f), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES); // executable: amtl-train execs spark-job.sh
    }
    for (String jar : List.of("spark-jobs.jar", "lib/amtl-core-0.1.0.jar", "lib/jfreechart-1.5.6.jar")) {
      Files.writeString(root.resolve("spark-jobs/target").resolve(jar), "placeholder");
    }
    Path sparkHome = dir.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("bin"));
    Path stub = Files.writeString(sparkHome.resolve("bin/spark-submit"),
        "#!/usr/bin/env bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    assertTrue(stub.toFile().setExecutable(true));
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", root.resolve("submit").resolve(launcher).toString()));
    cmd.addAll(List.of(launcherArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  /** The value that follows {@code option} on the command line. */
  static String after(List<String> args, String option) {
    int i = args.indexOf(option);
    assertTrue(i >= 0 && i + 1 < args.size(), option + " in " + args);
    return args.get(i + 1);
  }

  @Test
  void theVectorModuleReachesTheDriverAndTheExecutors() throws Exception {
    List<String> args = submitted("--master", "spark://127.0.0.1:7077", "--conf", "model.dim=8");
    assertTrue(after(args, "--driver-java-options").contains(DenseKernels.VECTOR_FLAG), args.toString());
    assertTrue(args.contains("spark.executor.extraJavaOptions=" + DenseKernels.VECTOR_FLAG), args.toString());
    assertEquals("spark://127.0.0.1:7077", after(args, "--master"));
    assertEquals("org.amtl.spark.TrainJob", after(args, "--class"));
    assertEquals("model.dim=8", args.get(args.size() - 1), "the job's arguments come last");
    assertTrue(after(args, "--jars").contains("amtl-core-0.1.0.jar"), args.toString());
  }

  @Test
  void theScoringLauncherSubmitsTheScoringJobTheSameWay() throws Exception {
    List<String> args = submittedBy("amtl-score", "--master", "yarn", "--conf", "score.table=t");
    assertEquals("org.amtl.spark.ScoreJob", after(args, "--class"));
    assertEquals("yarn", after(args, "--master"));
    assertTrue(after(args, "--driver-java-options").contains(DenseKernels.VECTOR_FLAG), args.toString());
    assertEquals("score.table=t", args.get(args.size() - 1), "the job's arguments come last");
  }

  @Test
  void theUsersOwnJvmOptionsAreKeptBesideTheFlag() throws Exception {
    List<String> args = submitted("--spark-conf", "spark.executor.extraJavaOptions=-Dmine=1 -Xss4m",
        "--spark-conf", "spark.driver.extraJavaOptions=-Dalso=2", "--spark-conf", "spark.executor.cores=2");
    assertTrue(args.contains("spark.executor.extraJavaOptions=-Dmine=1 -Xss4m " + DenseKernels.VECTOR_FLAG),
        args.toString());
    assertEquals(1, args.stream().filter(a -> a.startsWith("spark.executor.extraJavaOptions=")).count(),
        "one setting, not two that override each other: " + args);
    String driver = after(args, "--driver-java-options");
    assertTrue(driver.contains(DenseKernels.VECTOR_FLAG) && driver.contains("-Dalso=2"), driver);
    assertEquals(0, args.stream().filter(a -> a.startsWith("spark.driver.extraJavaOptions=")).count(), args.toString());
    assertTrue(args.contains("spark.executor.cores=2"), "other settings pass as they are: " + args);
  }
}
