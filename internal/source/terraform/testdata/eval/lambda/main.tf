variable "partner_principal" {
  type        = string
  description = "account or service allowed to call the partner hook"
}

resource "aws_lambda_function" "partner" {
  function_name = "partner-hook"
  role          = "arn:aws:iam::111122223333:role/partner-hook"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "hook.zip"
}

resource "aws_lambda_permission" "partner" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.partner.function_name
  principal     = var.partner_principal
}

resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_lambda_function" "api" {
  function_name = "orders-api"
  role          = "arn:aws:iam::111122223333:role/orders-api"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "api.zip"
}

# Any API Gateway could call it, but the source ARN (known after apply)
# narrows it to this API.
resource "aws_lambda_permission" "apigw" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}
