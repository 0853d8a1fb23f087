// Glue job records: defaults of a Job, the arguments a run's script gets, the error line of a
// failed run, and the Python library embedded for glueetl jobs.
#include "services/glue/job_records.h"

#include <gtest/gtest.h>

#include <set>

#include "services/glue/job_library.h"

namespace nimbus::glue {
namespace {

TEST(JobRecord, AddsGluesDefaults) {
  Json shell = job_record({{"Role", "r"}, {"Command", {{"Name", "pythonshell"}, {"ScriptLocation", "s3://b/k.py"}}}},
                          "Shell", 10, 10);
  EXPECT_EQ(shell["Name"], "Shell");
  EXPECT_EQ(shell["ExecutionProperty"], Json({{"MaxConcurrentRuns", 1}}));
  EXPECT_EQ(shell["MaxCapacity"], 0.0625);
  EXPECT_EQ(shell["Timeout"], 2880);
  EXPECT_EQ(shell["Command"]["PythonVersion"], "3.9");
  Json etl = job_record({{"Command", {{"Name", "glueetl"}}}, {"WorkerType", "G.1X"}, {"NumberOfWorkers", 2}}, "e", 1, 2);
  EXPECT_FALSE(etl.contains("MaxCapacity"));
  EXPECT_EQ(etl["CreatedOn"], 1);
  EXPECT_EQ(etl["LastModifiedOn"], 2);
  EXPECT_EQ(max_concurrent_runs({{"ExecutionProperty", {{"MaxConcurrentRuns", 3}}}}), 3);
  EXPECT_EQ(max_concurrent_runs(Json::object()), 1);
}

TEST(JobArguments, RunArgumentsOverrideDefaultsButNotNonOverridables) {
  Json job = {{"DefaultArguments", {{"--a", "job"}, {"--b", "job"}}}, {"NonOverridableArguments", {{"--c", "fixed"}}}};
  Json run = {{"Arguments", {{"--b", "run"}, {"--c", "run"}}}};
  auto merged = merged_arguments(job, run);
  EXPECT_EQ(merged, (std::map<std::string, std::string>{{"--a", "job"}, {"--b", "run"}, {"--c", "fixed"}}));
  auto argv = script_arguments("etl", "jr_1", merged);
  ASSERT_EQ(argv.size(), 12u);
  EXPECT_EQ(argv[0], "--a");
  EXPECT_EQ(argv[1], "job");
  EXPECT_EQ(argv[8], "--JOB_RUN_ID");
  EXPECT_EQ(argv[9], "jr_1");
  EXPECT_EQ(argv[10], "--JOB_NAME");
  EXPECT_EQ(argv[11], "etl");
}

TEST(JobFailure, IsTheLastLineOfStderr) {
  EXPECT_EQ(failure_message("Traceback (most recent call last):\n  File \"x.py\"\nValueError: bad\n\n", 1),
            "ValueError: bad");
  EXPECT_EQ(failure_message("", 3), "Command failed with exit code 3");
  EXPECT_EQ(failure_message("", -9), "Command failed: the process was killed by signal 9");
}

TEST(JobLibrary, EmbedsTheModulesSeedScriptsImport) {
  std::set<std::string_view> paths;
  for (const auto& file : embedded_job_library()) paths.insert(file.path);
  for (std::string_view needed : {"awsglue/__init__.py", "awsglue/context.py", "awsglue/job.py",
                                  "awsglue/transforms.py", "awsglue/utils.py", "awsglue/dynamicframe.py",
                                  "pyspark/__init__.py", "pyspark/context.py", "sitecustomize.py"}) {
    EXPECT_TRUE(paths.count(needed)) << needed;
  }
  EXPECT_NE(duckdb_library_path().find("libduckdb"), std::string::npos);
}

}  // namespace
}  // namespace nimbus::glue
