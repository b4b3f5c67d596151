// Every event-source view (see each header; include only the ones you use if
// you prefer). Views cost nothing until an accessor is called.
#pragma once

#include <wisp/events/batch.h>
#include <wisp/events/cloudwatch_logs.h>
#include <wisp/events/cognito.h>
#include <wisp/events/dynamodb.h>
#include <wisp/events/eventbridge.h>
#include <wisp/events/http.h>
#include <wisp/events/kinesis.h>
#include <wisp/events/s3.h>
#include <wisp/events/sns.h>
#include <wisp/events/sqs.h>
#include <wisp/events/view.h>
#include <wisp/events/window.h>
