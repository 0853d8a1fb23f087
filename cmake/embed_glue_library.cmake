# Writes OUT, a C++ file defining nimbus::glue::embedded_job_library() from the Python files under
# ROOT (src/services/glue/awsglue: the awsglue and pyspark packages Glue jobs import), each kept
# with its path relative to ROOT. Run at build time, so an edited file is embedded by the next build.
file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/*.py)
list(SORT files)
set(body "")
foreach(file IN LISTS files)
  file(READ ${ROOT}/${file} text)
  string(APPEND body "      {\"${file}\", R\"NIMBUS_EMBED(${text})NIMBUS_EMBED\"},\n")
endforeach()
file(WRITE ${OUT} "// Generated from src/services/glue/awsglue by cmake/embed_glue_library.cmake.\n"
  "#include \"services/glue/job_library.h\"\n"
  "namespace nimbus::glue {\n"
  "const std::vector<EmbeddedFile>& embedded_job_library() {\n"
  "  static const std::vector<EmbeddedFile> files = {\n"
  "${body}"
  "  };\n"
  "  return files;\n"
  "}\n"
  "}  // namespace nimbus::glue\n")
