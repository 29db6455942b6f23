#!/usr/bin/env bash
# Deploys the compiled main template into a resource group with the Azure CLI (already logged in).
#   deploy-infra.sh what-if|create TEMPLATE_JSON
# Environment: RESOURCE_GROUP, LOCATION, ENVIRONMENT_NAME.
# Keeps what the running system owns: the model version each scoring slot serves (set by the rollout) is
# read from the live apps and passed back, and the Event Grid subscription of the blob trigger is enabled
# as soon as the Functions host has its blobs_extension key (that is, once the code has been deployed).
# `create` prints the deployment outputs as KEY=VALUE lines and, under Azure Pipelines, sets them as
# output variables of the step.
set -euo pipefail
mode=$1
template=$2
: "${RESOURCE_GROUP:?}" "${LOCATION:?}" "${ENVIRONMENT_NAME:?}"

az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --tags "azd-env-name=$ENVIRONMENT_NAME" --output none

tagged() { # $1: azd-service-name
  az resource list --resource-group "$RESOURCE_GROUP" --resource-type Microsoft.Web/sites \
    --query "[?tags.\"azd-service-name\"=='$1'].name | [0]" --output tsv
}

scoring=$(tagged scoring)
# Before the first rollout both slots serve the champion alias.
production_version=champion
staging_version=champion
if [ -n "$scoring" ]; then
  production_version=$(az webapp config appsettings list --resource-group "$RESOURCE_GROUP" --name "$scoring" \
    --query "[?name=='Scoring__ModelVersion'].value | [0]" --output tsv)
  staging_version=$(az webapp config appsettings list --resource-group "$RESOURCE_GROUP" --name "$scoring" --slot staging \
    --query "[?name=='Scoring__ModelVersion'].value | [0]" --output tsv)
fi
production_version=${production_version:-champion}
staging_version=${staging_version:-champion}

functions=$(tagged functions)
enable_subscription=false
if [ -n "$functions" ]; then
  key=$(az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$functions" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  if [ -n "$key" ]; then
    enable_subscription=true
  fi
  unset key
fi

parameters=(
  "environmentName=$ENVIRONMENT_NAME"
  "location=$LOCATION"
  "productionModelVersion=$production_version"
  "stagingModelVersion=$staging_version"
  "enableBlobTriggerSubscription=$enable_subscription"
)
name="mlops-$(date -u +%Y%m%d%H%M%S)"

case "$mode" in
  what-if)
    az deployment group what-if --resource-group "$RESOURCE_GROUP" --name "$name" \
      --template-file "$template" --parameters "${parameters[@]}"
    ;;
  create)
    outputs=$(az deployment group create --resource-group "$RESOURCE_GROUP" --name "$name" \
      --template-file "$template" --parameters "${parameters[@]}" \
      --query "properties.outputs" --output json)
    echo "$outputs" | jq -r 'to_entries[] | "\(.key)=\(.value.value)"'
    if [ -n "${TF_BUILD:-}" ]; then
      echo "$outputs" | jq -r 'to_entries[] | "##vso[task.setvariable variable=\(.key);isOutput=true]\(.value.value)"'
    fi
    ;;
  *)
    echo "usage: $0 what-if|create TEMPLATE_JSON" >&2
    exit 2
    ;;
esac
