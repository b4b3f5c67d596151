// The one header a handler includes.
#pragma once

#include <wisp/arena.h>
#include <wisp/builder.h>
#include <wisp/handler.h>
#include <wisp/json.h>
#include <wisp/log.h>
#include <wisp/str.h>
