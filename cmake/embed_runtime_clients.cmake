# Writes OUT, a C++ file defining kNodeRuntimeClient and kPythonRuntimeClient from the runtime
# client sources (run at build time, so an edited client is embedded by the next build).
file(READ ${NODE} node_text)
file(READ ${PYTHON} python_text)
file(WRITE ${OUT} "// Generated from src/services/lambda/runtimes by cmake/embed_runtime_clients.cmake.\n"
  "#include \"services/lambda/lambda_service.h\"\n"
  "namespace nimbus::lambda {\n"
  "const std::string_view kNodeRuntimeClient = R\"NIMBUS_EMBED(${node_text})NIMBUS_EMBED\";\n"
  "const std::string_view kPythonRuntimeClient = R\"NIMBUS_EMBED(${python_text})NIMBUS_EMBED\";\n"
  "}  // namespace nimbus::lambda\n")
