<?xml version="1.0" encoding="UTF-8"?>
<!--
  SAR-like rendering of an optical raster layer with the eo2sar:Translate rendering transformation.
  Apply it as a style of the optical (EO) coverage layer; WMS clients (QGIS) then see VV backscatter.
  - model: a file <name>.onnx in <GEOSERVER_DATA_DIR>/eo2sar/models (see docs/geoserver.md)
  - bands: the layer's bands in the model's band order (red,green,blue), numbered from 1
  - MaxScaleDenominator: hide the layer when zoomed out too far for the model; here a 10 m layer and
    the default limit of 4x native pixel size: 4 × 10 m / 0.00028 m per pixel ≈ 142857.
-->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>eo2sar-translate</Name>
    <UserStyle>
      <Title>SAR-like VV backscatter (eo2sar:Translate)</Title>
      <FeatureTypeStyle>
        <Transformation>
          <ogc:Function name="eo2sar:Translate">
            <ogc:Function name="parameter">
              <ogc:Literal>data</ogc:Literal>
            </ogc:Function>
            <ogc:Function name="parameter">
              <ogc:Literal>model</ogc:Literal>
              <ogc:Literal>eo2sar-rgb</ogc:Literal>
            </ogc:Function>
            <ogc:Function name="parameter">
              <ogc:Literal>bands</ogc:Literal>
              <ogc:Literal>1,2,3</ogc:Literal>
            </ogc:Function>
            <ogc:Function name="parameter">
              <ogc:Literal>outputType</ogc:Literal>
              <ogc:Literal>float32</ogc:Literal>
            </ogc:Function>
          </ogc:Function>
        </Transformation>
        <Rule>
          <Name>vv-db</Name>
          <MaxScaleDenominator>142857</MaxScaleDenominator>
          <RasterSymbolizer>
            <Opacity>1.0</Opacity>
            <!-- dB to grey: -25 dB black, 0 dB white; NaN (nodata) is not drawn -->
            <ColorMap type="ramp">
              <ColorMapEntry color="#000000" quantity="-25" opacity="1"/>
              <ColorMapEntry color="#FFFFFF" quantity="0" opacity="1"/>
            </ColorMap>
          </RasterSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
