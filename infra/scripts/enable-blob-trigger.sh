#!/bin/sh
# azd postdeploy hook: once the Functions code is deployed its host has created the blobs_extension system
# key, so the Event Grid subscription of the training-data blob trigger can be created. Runs one more
# `azd provision` with ENABLE_BLOB_TRIGGER_SUBSCRIPTION=true the first time; later runs have it set already.
set -eu

if [ "${ENABLE_BLOB_TRIGGER_SUBSCRIPTION:-false}" = "true" ]; then
  echo "Event Grid subscription of the blob trigger is enabled already."
  exit 0
fi

azd env set ENABLE_BLOB_TRIGGER_SUBSCRIPTION true
azd provision --no-prompt
